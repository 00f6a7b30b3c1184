import "./common";
import "./docker";
import "./kubernetes";
export { resourceStates, callResults } from "./registry";
