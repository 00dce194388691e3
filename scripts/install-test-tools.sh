#!/usr/bin/env bash
# Installs, as root with apt, the Debian packages some test suites use when they are
# missing: prometheus (promtool), chromium (the dashboard's browser test), iproute2 (ip,
# network namespaces), nftables, miniupnpd and miniupnpc (the NAT lab's routers and its
# UPnP check). Never needed to build or run Shoal.
set -uo pipefail
missing=()
command -v promtool >/dev/null || missing+=(prometheus)
command -v chromium >/dev/null || missing+=(chromium)
command -v ip >/dev/null || missing+=(iproute2)
command -v nft >/dev/null || missing+=(nftables)
command -v miniupnpd >/dev/null || missing+=(miniupnpd-nftables miniupnpd)
command -v upnpc >/dev/null || missing+=(miniupnpc)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "test tools: ${missing[*]} missing, and this is not root with apt-get: their suites will skip"
  exit 0
fi
echo "test tools: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }
