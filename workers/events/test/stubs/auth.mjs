// Stand-in for the auth worker's AuthRpc in this worker's workerd tests (the real one is used in e2e).
import { WorkerEntrypoint } from "cloudflare:workers";

const USERS = [
  { id: "user-staff-1", email: "staff@example.test", name: "Door Staff", roles: ["buyer"] },
  { id: "user-staff-2", email: "second.staff@example.test", name: "Second Staff", roles: ["buyer"] },
];

export class AuthRpc extends WorkerEntrypoint {
  async findUserByEmail(email) {
    return USERS.find((u) => u.email === String(email).trim().toLowerCase()) ?? null;
  }

  async getUser(id) {
    const u = USERS.find((x) => x.id === id);
    return u ? { ...u, locale: "vi", phone: null } : null;
  }

  /** Test-only: an account that signs up after it was invited. */
  async signUp(user) {
    USERS.push({ roles: ["buyer"], name: "", ...user, email: String(user.email).trim().toLowerCase() });
  }
}

export default { fetch: () => new Response("auth stand-in", { status: 404 }) };
