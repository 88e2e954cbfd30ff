export const metadata = { title: 'Todo Chatbot (reference frontend)' };

export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
