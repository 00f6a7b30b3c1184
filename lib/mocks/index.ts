import "./common";
import "./docker";
import "./aws";
export { resourceStates, callResults } from "./registry";
