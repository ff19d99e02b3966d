// What the scanner looks for unless a repo's harness config says otherwise (SPEC §10).

/** LLM SDK modules: an exact name, or a scope/prefix ending in `/` (any module under it). */
export const DEFAULT_LLM_SDKS: readonly string[] = Object.freeze([
  'openai',
  '@anthropic-ai/',
  'ai',
  '@ai-sdk/',
  'langchain',
  '@langchain/',
  '@google/generative-ai',
  '@google/genai',
  '@mistralai/',
  'cohere-ai',
  'groq-sdk',
  'ollama',
  'llamaindex',
  'replicate',
  'together-ai',
  '@huggingface/inference',
  '@aws-sdk/client-bedrock-runtime',
  '@azure/openai',
  '@openrouter/ai-sdk-provider',
]);

/** Agent CLIs: spawning one of these is reaching an LLM. */
export const DEFAULT_AGENT_CLIS: readonly string[] = Object.freeze([
  'claude',
  'codex',
  'gemini',
  'aider',
  'cursor-agent',
  'opencode',
  'goose',
  'qwen',
  'crush',
]);

/** LLM API hosts: a hostname matches itself and its subdomains; `host:port` matches exactly. */
export const DEFAULT_LLM_HOSTS: readonly string[] = Object.freeze([
  'api.openai.com',
  'openai.azure.com',
  'api.anthropic.com',
  'generativelanguage.googleapis.com',
  'aiplatform.googleapis.com',
  'api.mistral.ai',
  'api.cohere.ai',
  'api.cohere.com',
  'api.groq.com',
  'api.together.xyz',
  'openrouter.ai',
  'api.deepseek.com',
  'api.x.ai',
  'api.perplexity.ai',
  'api-inference.huggingface.co',
  'localhost:11434',
  '127.0.0.1:11434',
]);

/** File extensions the scanner parses. */
export const DEFAULT_EXTENSIONS: readonly string[] = Object.freeze(['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs']);

/** Folders never scanned, wherever they are. */
export const ALWAYS_IGNORED_DIRS: readonly string[] = Object.freeze(['node_modules', '.git']);

/** The comment that waives an unresolved finding: `// orch-inventory-ignore: <reason>`. */
export const WAIVER_TAG = 'orch-inventory-ignore';

export const HARNESS_CONFIG_FILE = 'orch.conformance.json';
