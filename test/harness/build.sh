#!/usr/bin/env bash
# Provides the etcd and kube-apiserver binaries for the integration tests (docs/contributing-integration-tests.md).
#
# Each component is a small Go module next to this script whose go.mod pins the exact release; the binary is built
# from the Go module proxy into ${XDG_CACHE_HOME:-~/.cache}/virtwork/<component>-<version>/<component>.
# Idempotent: a component already in the cache is not rebuilt. Needs Go >= the go line of those go.mod files.
# On 2 cores a first build takes about 10 minutes for kube-apiserver and 1 minute for etcd, plus module downloads.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/virtwork"

# pinned_version <component> <module>: the version of <module> required by <component>/go.mod.
pinned_version() {
  sed -nE "s#^[[:space:]]*(require[[:space:]]+)?$2 (v[^ ]+)( // indirect)?\$#\\2#p" "$here/$1/go.mod"
}

# build <component> <module> <package> [ldflags]: builds <package> into the cache unless it is there already.
build() {
  local component="$1" module="$2" package="$3" ldflags="-s -w ${4:-}"
  local version dir started
  version="$(pinned_version "$component" "$module")"
  [[ -n "$version" ]] || { echo "build.sh: no version of $module in $here/$component/go.mod" >&2; exit 1; }
  dir="$cache/$component-$version"
  if [[ -x "$dir/$component" ]]; then
    echo "$component $version: cached in $dir"
    return
  fi
  command -v go > /dev/null || {
    echo "build.sh: $component $version is not in $dir and \`go\` is not installed (Go >= 1.26 from https://go.dev/dl/)" >&2
    exit 1
  }
  echo "$component $version: building $package with $(go env GOVERSION)"
  started=$SECONDS
  local tmp="$dir.tmp.$$"
  rm -rf "$tmp" && mkdir -p "$tmp"
  (cd "$here/$component" && CGO_ENABLED=0 go build -trimpath -mod=readonly -p "$(nproc)" -ldflags="$ldflags" \
    -o "$tmp/$component" "$package")
  mv -T "$tmp" "$dir" 2> /dev/null || rm -rf "$tmp" # another build.sh got there first: keep its binary
  echo "$component $version: built in $((SECONDS - started)) s into $dir"
}

kube_version="$(pinned_version kube-apiserver k8s.io/kubernetes)"
kube_minor="$(cut -d. -f2 <<< "$kube_version")"
kube_ldflags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  kube_ldflags+=" -X $pkg.gitVersion=$kube_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$kube_minor"
  kube_ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done

total=$SECONDS
build etcd go.etcd.io/etcd/server/v3 go.etcd.io/etcd/server/v3
build kube-apiserver k8s.io/kubernetes k8s.io/kubernetes/cmd/kube-apiserver "$kube_ldflags"
echo "build.sh: control-plane binaries ready in $((SECONDS - total)) s"
