#!/usr/bin/env bash
# Builds the frontend-app fixture (tests/vite-app) the way a user's app gets the package: `npm pack`
# makes the tarball, the app installs it from the tarball (not a path link) and Vite builds it.
#   build/vite-app/        the app with node_modules/onnx-predict from the tarball
#   build/vite-app/dist/   Vite's production build
# Needs dist/ (scripts/build-package.sh). Vite itself runs from the repo's devDependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
rm -rf build/pack build/vite-app
mkdir -p build/pack
tarball=$(npm pack --silent --pack-destination build/pack | tail -1)
cp -r tests/vite-app build/vite-app
mkdir -p build/vite-app/public
cp models/iris.onnx build/vite-app/public/
cd build/vite-app
npm install --no-audit --no-fund --silent --no-package-lock "$root/build/pack/$tarball"
"$root/node_modules/.bin/vite" build --logLevel warn
