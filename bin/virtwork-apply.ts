#!/usr/bin/env node
import { main } from '../lib/cli/virtwork-apply';

void main(process.argv);
