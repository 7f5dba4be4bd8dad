#!/usr/bin/env bash
# Update or check the self-hosted Mermaid build, docs/js/mermaid.min.js.
#
#   scripts/update_mermaid.sh VERSION   fetch mermaid@VERSION with `npm pack`,
#                                       copy dist/mermaid.min.js and record
#                                       version, checksums and licence
#   scripts/update_mermaid.sh --check   verify docs/js/mermaid.min.js against
#                                       the recorded SHA-256 (no network)
#
# The record is the header of docs/js/LICENSE-mermaid.txt, which the site
# publishes beside the script. `npm pack` checks the package against the
# registry's integrity hash; the same VERSION always gives the same file.
# Only Mermaid 11 fits: Material for MkDocs 9.8 calls the Mermaid 11 API
# through the single-file build, which defines the global `mermaid`.
set -euo pipefail

repo_root=$(cd "$(dirname "$0")/.." && pwd)
build="$repo_root/docs/js/mermaid.min.js"
notice="$repo_root/docs/js/LICENSE-mermaid.txt"

usage() {
    echo "usage: $0 VERSION | --check" >&2
    exit 2
}

recorded() {
    # Print the value of one "Key: value" line of the notice header.
    sed -n "s/^$1: //p" "$notice" | head -n 1
}

check() {
    if [[ ! -f "$build" || ! -f "$notice" ]]; then
        echo "missing $build or $notice: run $0 VERSION" >&2
        return 1
    fi
    local expected actual
    expected=$(recorded "SHA-256")
    actual=$(sha256sum "$build" | cut -d ' ' -f 1)
    if [[ "$actual" != "$expected" ]]; then
        echo "docs/js/mermaid.min.js has SHA-256 $actual, but" \
            "docs/js/LICENSE-mermaid.txt records $expected" \
            "(Mermaid $(recorded "Version")). Restore the file or run" \
            "$0 VERSION to update both." >&2
        return 1
    fi
    echo "docs/js/mermaid.min.js is Mermaid $(recorded "Version") ($actual)"
}

update() {
    local version=$1
    if [[ ! "$version" =~ ^11\.[0-9]+\.[0-9]+$ ]]; then
        echo "invalid version '$version': give an exact Mermaid 11 release," \
            "for example 11.17.2" >&2
        return 2
    fi

    local workdir
    workdir=$(mktemp -d)
    trap 'rm -rf "$workdir"' RETURN

    (cd "$workdir" && npm pack --silent --json "mermaid@$version" > pack.json)
    local tarball integrity
    tarball=$(node -e 'console.log(require(process.argv[1])[0].filename)' \
        "$workdir/pack.json")
    integrity=$(node -e 'console.log(require(process.argv[1])[0].integrity)' \
        "$workdir/pack.json")
    tar -xzf "$workdir/$tarball" -C "$workdir" \
        package/dist/mermaid.min.js package/LICENSE

    cp "$workdir/package/dist/mermaid.min.js" "$build"
    local checksum
    checksum=$(sha256sum "$build" | cut -d ' ' -f 1)
    {
        echo "Mermaid, self-hosted as docs/js/mermaid.min.js"
        echo "Version: $version"
        echo "Source: npm package mermaid@$version, file dist/mermaid.min.js"
        echo "npm integrity: $integrity"
        echo "SHA-256: $checksum"
        echo "Written by scripts/update_mermaid.sh; do not edit by hand."
        echo
        echo "The file also bundles third-party code; their notices are at"
        echo "the end of mermaid.min.js. Mermaid's own licence follows."
        echo
        cat "$workdir/package/LICENSE"
    } > "$notice"
    echo "docs/js/mermaid.min.js is now Mermaid $version ($checksum)"
}

case "${1:-}" in
    --check) check ;;
    "" | -*) usage ;;
    *) update "$1" ;;
esac
