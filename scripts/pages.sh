#!/usr/bin/env bash
# Page images for a person to look at: page 1 of every PDF under the output folder (default
# output/, as `make example` leaves it), rendered by poppler's pdftoppm at 100 dpi to
# <folder>/pages/<id>.<lang>-1.png.
set -euo pipefail
folder=${1:-output}
shopt -s nullglob
pdfs=("$folder"/*/*.pdf)
if ((${#pdfs[@]} == 0)); then
  echo "pages: no PDF in $folder/*/; build first (make example)" >&2
  exit 1
fi
mkdir -p "$folder/pages"
for pdf in "${pdfs[@]}"; do
  stem=$(basename "$pdf" .pdf)
  pdftoppm -f 1 -l 1 -r 100 -png -singlefile "$pdf" "$folder/pages/$stem-1"
  echo "wrote $folder/pages/$stem-1.png"
done
