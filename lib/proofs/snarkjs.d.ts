// snarkjs ships no types; these are the calls lib/proofs makes.
declare module "snarkjs" {
  export interface Groth16Proof {
    pi_a: string[];
    pi_b: string[][];
    pi_c: string[];
    protocol: string;
    curve: string;
  }
  export const groth16: {
    fullProve(input: Record<string, unknown>, wasmFile: string | Uint8Array, zkeyFile: string | Uint8Array): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
    verify(verificationKey: unknown, publicSignals: readonly string[], proof: Groth16Proof): Promise<boolean>;
  };
}
