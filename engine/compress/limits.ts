// CRYPTO.md §3.1: n3n decompresses into its N2N_PKT_BUF_SIZE buffer and drops anything larger.
export const DECOMPRESSED_SIZE_LIMIT = 2048;
