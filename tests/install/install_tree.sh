#!/usr/bin/env bash
# Installs the build into a private DESTDIR (never the system) and prints it.
# Usage: install_tree.sh BUILD_DIR DESTDIR
set -euo pipefail
rm -rf "$2"
DESTDIR="$2" cmake --install "$1" >/dev/null
