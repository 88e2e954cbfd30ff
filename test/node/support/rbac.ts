/** An object the node's own components need, as a POST to the API server: where it goes and what it is. */
export interface ApiServerPost {
  readonly path: string;
  readonly object: { metadata: { name: string } & Record<string, unknown> } & Record<string, unknown>;
}

type Rule = { readonly apiGroups: string[]; readonly resources: string[]; readonly verbs: string[] };
type Subject = { readonly kind: 'User'; readonly apiGroup: 'rbac.authorization.k8s.io'; readonly name: string } | { readonly kind: 'ServiceAccount'; readonly name: string; readonly namespace: string };

/** A ClusterRole with `rules` and its binding to `subject`, both named `name`. */
export function clusterRoleFor(name: string, rules: readonly Rule[], subject: Subject): ApiServerPost[] {
  const rbac = 'rbac.authorization.k8s.io';
  return [
    { path: `/apis/${rbac}/v1/clusterroles`, object: { apiVersion: `${rbac}/v1`, kind: 'ClusterRole', metadata: { name }, rules } },
    {
      path: `/apis/${rbac}/v1/clusterrolebindings`,
      object: { apiVersion: `${rbac}/v1`, kind: 'ClusterRoleBinding', metadata: { name }, roleRef: { apiGroup: rbac, kind: 'ClusterRole', name }, subjects: [subject] },
    },
  ];
}
