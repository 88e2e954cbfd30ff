// CoreDNS with the plugins a cluster's DNS needs and nothing else (CoreDNS' own main links every plugin,
// cloud providers' SDKs among them): what kubeadm's Corefile uses, less `forward`, since nothing here
// resolves names outside the cluster.
package main

import (
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/coremain"

	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/loop"
	_ "github.com/coredns/coredns/plugin/ready"
)

func init() {
	// The plugins' order within a server block, as CoreDNS' plugin.cfg orders them.
	dnsserver.Directives = []string{"ready", "health", "errors", "log", "cache", "kubernetes", "loop"}
}

func main() {
	coremain.Run()
}
