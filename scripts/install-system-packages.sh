#!/usr/bin/env bash
# Installs the Debian packages the project needs, only those missing.
#   site: fonts and tools WeasyPrint and the PDF checks use
#   test: plus the browser (Debian's chromium: no tool downloads its own), Java for
#         the Nu HTML Checker, Node for axe-core and vnu-jar, and LibreOffice (Calc and
#         Writer) to prove the action-plan workbooks and Word files open in an office suite.
set -euo pipefail
want=(qpdf poppler-utils fonts-dejavu-core)
if [[ "${1:-site}" == "test" ]]; then
  want+=(chromium chromium-driver default-jre-headless nodejs npm libreoffice-calc libreoffice-writer)
fi
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# nodejs/npm may come from elsewhere than Debian (the image has Node 20): accept them on PATH.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=(); for pkg in "${missing[@]}"; do [[ "$pkg" == nodejs || "$pkg" == npm ]] || filtered+=("$pkg"); done
  missing=("${filtered[@]}")
fi
if command -v java >/dev/null; then
  filtered=(); for pkg in "${missing[@]}"; do [[ "$pkg" == default-jre-headless ]] || filtered+=("$pkg"); done
  missing=("${filtered[@]}")
fi
if (( ${#missing[@]} )); then
  echo "Installing Debian packages: ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
