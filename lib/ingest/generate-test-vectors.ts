/**
 * Writes lib/ingest/test-vectors.json from the real implementation and pastes
 * it into docs/device-protocol.md between the test-vector markers.
 * Run after a deliberate protocol change: npx tsx lib/ingest/generate-test-vectors.ts
 * (test-vectors.test.ts fails until the vectors and the doc match the code again).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildVectors, DOC_BEGIN, DOC_END, DOC_FILE, renderDocBlock, vectorsJson, VECTORS_FILE } from "./test-vectors-spec";

const vectors = await buildVectors();
writeFileSync(fileURLToPath(VECTORS_FILE), vectorsJson(vectors));

const docPath = fileURLToPath(DOC_FILE);
const doc = readFileSync(docPath, "utf8");
const start = doc.indexOf(DOC_BEGIN);
const end = doc.indexOf(DOC_END);
if (start < 0 || end < start) throw new Error(`${docPath} lacks the test-vector markers`);
writeFileSync(docPath, doc.slice(0, start) + renderDocBlock(vectors) + doc.slice(end));
console.log(`wrote ${vectors.length} vectors to ${fileURLToPath(VECTORS_FILE)} and ${docPath}`);
