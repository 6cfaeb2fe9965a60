#!/usr/bin/env node
import { main } from '../lib/cli/virtwork';

void main(process.argv);
