#!/usr/bin/env node
// The `kubetrade` bin of @kubetrade/bot-runtime: Node 24 runs the TypeScript sources directly
// (type stripping), so this shim only imports the CLI entry point.
import { main } from '../src/cli/main.ts';

process.exitCode = await main(process.argv.slice(2));
