export type Env = {
  DB: D1Database;
  /** The merchant platform's gateway: IPN calls go there. */
  GATEWAY?: Fetcher;
  VNPAY_TMN_CODE: string;
  VNPAY_SECURE_SECRET: string;
  VNPAY_IPN_PATH?: string;
  IPN_MAX_TRIES?: string;
  IPN_RETRY_DELAY_MS?: string;
};
