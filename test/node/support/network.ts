/**
 * The node's addresses, all on this machine: the pods' subnet on a bridge of the tier's own, whose
 * address is the node's (the API server and the kubelet listen there), and the Service network routed
 * onto that bridge too, so that no packet for either ever takes this machine's default route.
 */
export const NODE_NAME = 'todo-chatbot-node';
export const BRIDGE = 'tcnode0';
export const NODE_IP = '10.244.0.1';
export const POD_SUBNET = '10.244.0.0/24';
export const CLUSTER_CIDR = '10.244.0.0/16';
export const SERVICE_CIDR = '10.96.0.0/16';
export const DNS_SERVICE_IP = '10.96.0.10';
export const CLUSTER_DOMAIN = 'cluster.local';
/** The kubelet puts every pod's cgroup under this one, in each cgroup v1 hierarchy. */
export const CGROUP_ROOT = 'todo-chatbot-node';
/** The node's end of the veth pair into the outside world's network namespace (outside.ts). */
export const OUTSIDE_LINK = 'tcout0';
