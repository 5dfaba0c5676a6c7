import { workerProject } from "../../scripts/worker-project.ts";

export default workerProject("payments");
