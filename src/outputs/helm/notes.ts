import { CHART_NAME } from '../../model/helpers';

const include = (helper: string) => `{{ include "${CHART_NAME}.${helper}" . }}`;

/** `templates/NOTES.txt`: how to reach the frontend for each Service type, and the Secret to create. */
export function notesTemplate(): string {
  const frontend = include('frontend.fullname');
  const namespace = '{{ .Release.Namespace }}';
  const secret = include('secretName');
  return `The AI-Powered Todo Chatbot is installed: release {{ .Release.Name }}, namespace ${namespace}.

1. Reach the frontend:
{{- if eq .Values.frontend.service.type "LoadBalancer" }}
   On Minikube, run "minikube tunnel" in another terminal, then wait for an external IP:
     kubectl get service ${frontend} -n ${namespace} --watch
   and open http://<EXTERNAL-IP>:{{ .Values.frontend.service.port }}
{{- else if eq .Values.frontend.service.type "NodePort" }}
     minikube service ${frontend} -n ${namespace} --url
   or, on any cluster, open http://<NODE-IP>:<NODE-PORT>, a node's address from
     kubectl get nodes -o wide
   and the port from
     kubectl get service ${frontend} -n ${namespace}
{{- else }}
     kubectl port-forward service/${frontend} 8080:{{ .Values.frontend.service.port }} -n ${namespace}
   then open http://localhost:8080
{{- end }}
{{- if not .Values.secret.create }}

2. The pods read the Secret "${secret}", which this release does not create.
   If it does not exist yet, create it (the pods wait for it) from a file, secrets.env, of
   KEY=value lines, never committed:
     {{ .Values.secret.keys.databaseUrl }}=postgresql://USER:PASSWORD@HOST/DB?sslmode=require
     {{ .Values.secret.keys.openaiApiKey }}=sk-...
     {{ .Values.secret.keys.betterAuthSecret }}=<32 random bytes in base64, from: node -e "console.log(require('crypto').randomBytes(32).toString('base64'))">
   with, in any shell:
     kubectl create secret generic ${secret} -n ${namespace} --from-env-file=secrets.env
{{- end }}

Check the release:
  kubectl get pods -n ${namespace} -l app.kubernetes.io/instance={{ .Release.Name }}
  helm test {{ .Release.Name }} -n ${namespace}
`;
}
