#!/usr/bin/env node
// `.env` is read by the process, here, so that commands see only the environment they are handed.
import 'dotenv/config';
import { run } from './run.js';

process.exitCode = await run(process.argv.slice(2));
