// The Go toolchain finds the module root by this file. Every build here passes -modfile=kubernetes-vMINOR.mod
// (one per pinned Kubernetes release, written by pin.sh), so this file's own requirements are never read.
module todo-chatbot-k8s/cluster

go 1.24
