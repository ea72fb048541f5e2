#!/usr/bin/env node
// Copies the non-TypeScript files the compiled code loads at run time (the pool's Lua scripts)
// from src/ to dist/, at the same relative paths, so `new URL('./scripts/x.lua', import.meta.url)`
// finds them from src/ (tsx) and from dist/ alike.
import { cpSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ASSET = /\.lua$/;
let copied = 0;
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (ASSET.test(name)) {
      cpSync(path, join('dist', relative('src', path)));
      copied++;
    }
  }
}
walk('src');
console.log(`assets: ${copied} files copied to dist/`);
