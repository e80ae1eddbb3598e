#!/usr/bin/env node
// The `kubetrade-operator` bin: Node 24 runs the TypeScript sources directly (type stripping).
import { runFromCli } from '../src/main.ts';

await runFromCli();
