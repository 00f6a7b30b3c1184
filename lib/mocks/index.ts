import "./common";
import "./docker";
export { resourceStates, callResults } from "./registry";
