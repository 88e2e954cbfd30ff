// GET / answers 200 without auth: the frontend's health endpoint in the image contract.
export default function Home() {
  return <h1>Todo Chatbot</h1>;
}
