#!/usr/bin/env bash
# PDF output (WeasyPrint) needs Pango and a CJK font from the system. The portal runs without
# them; only PDF export says what is missing. Install them with apt when we can, else explain.
set -u
have_pango() { ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so' && ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so'; }
have_cjk() { fc-list :lang=zh 2>/dev/null | grep -q .; }
if have_pango && have_cjk; then exit 0; fi
packages="libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk"
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing what PDF output needs: $packages"
  (apt-get install -y -q --no-install-recommends $packages >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q --no-install-recommends $packages >/dev/null 2>&1; }) \
    || echo "Could not install $packages; the portal runs, PDF export will say what is missing."
elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo apt-get install -y -q --no-install-recommends $packages >/dev/null 2>&1 \
    || echo "Could not install $packages; the portal runs, PDF export will say what is missing."
else
  echo "Note: PDF export needs Pango and a Chinese font (Debian/Ubuntu: sudo apt-get install $packages)."
  echo "      The portal runs without them; only PDF export is unavailable until they are installed."
fi
exit 0
