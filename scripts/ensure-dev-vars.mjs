// Gives a fresh clone its local secrets: each .dev.vars.example becomes .dev.vars (never overwritten).
import { ensureDevVars } from "./stack.mjs";
ensureDevVars();
