// Entry point for the Pulumi language host (ts-node, CommonJS). Kept thin: the program lives in program.ts.
import { program } from "./program";

const outputs = program();
export const kubeconfig = outputs.kubeconfig;
export const k3sApiUrl = outputs.k3sApiUrl;
export const kineEndpoint = outputs.kineEndpoint;
export const ysqlConnectionString = outputs.ysqlConnectionString;
export const uiUrl = outputs.uiUrl;
export const topology = outputs.topology;
export const faultTolerance = outputs.faultTolerance;
export const instanceIds = outputs.instanceIds;
export const accessHints = outputs.accessHints;
