import "./common";
import "./docker";
import "./kubernetes";
import "./aws";
export { resourceStates, callResults } from "./registry";
