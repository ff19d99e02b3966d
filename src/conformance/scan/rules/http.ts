// HTTP clients, as data: which module exports a client, and which of its members take a URL.
// A call of one of these with a URL on a known LLM host (or a base URL configured from an LLM
// environment variable) is an `llm-fetch`.

/** Per module: exports that are a client (called with a URL, or holding `get`/`post`/...). */
export const HTTP_CLIENTS: Readonly<Record<string, Readonly<Record<string, string>>>> = Object.freeze({
  axios: { default: 'axios', '*': 'axios', axios: 'axios' },
  got: { default: 'got', '*': 'got', got: 'got' },
  ky: { default: 'ky', '*': 'ky' },
  'ky-universal': { default: 'ky', '*': 'ky' },
  undici: { fetch: 'fetch', request: 'fetch', stream: 'fetch' },
  'node-fetch': { default: 'fetch', '*': 'fetch', fetch: 'fetch' },
  'cross-fetch': { default: 'fetch', '*': 'fetch', fetch: 'fetch' },
  'isomorphic-fetch': { default: 'fetch', '*': 'fetch' },
  'ofetch': { ofetch: 'fetch', $fetch: 'fetch' },
});

/** Members of a client that send a request with a URL as first argument (or in `{ url }`). */
export const HTTP_VERBS: ReadonlySet<string> = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request', 'stream', 'postForm', 'putForm', 'patchForm', 'raw', 'native']);

/** The client a module path names, with the member path after it; null when not an HTTP client. */
export function httpClientOf(module: string, path: readonly string[]): { client: string; path: string[] } | null {
  const table = HTTP_CLIENTS[module];
  if (!table || path.length === 0) return null;
  let rest = path;
  if ((rest[0] === '*' || rest[0] === 'default') && rest.length > 1 && table[rest[1] as string]) rest = rest.slice(1);
  const client = table[rest[0] as string];
  if (client === undefined) return null;
  return { client, path: rest.slice(1) };
}

/**
 * Environment variables that configure an LLM endpoint (`OPENAI_BASE_URL`, `OLLAMA_HOST`, ...),
 * also behind a framework prefix (`NEXT_PUBLIC_`, `VITE_`). A URL read from one is an LLM URL
 * whose host is `configured`.
 */
export const LLM_ENV_URL = /^(?:NEXT_PUBLIC_|VITE_|REACT_APP_|PUBLIC_|EXPO_PUBLIC_)?(?:[A-Z0-9]+_)*(?:OPENAI|AZURE_OPENAI|ANTHROPIC|CLAUDE|OLLAMA|GROQ|MISTRAL|GEMINI|GOOGLE_AI|GOOGLE_GENERATIVE_AI|COHERE|TOGETHER|OPENROUTER|DEEPSEEK|XAI|GROK|PERPLEXITY|FIREWORKS|LLM|LMSTUDIO|VLLM|LITELLM|AI)(?:_API)?_(?:BASE_URL|BASE|API_BASE|HOST|ENDPOINT|URL|BASEURL)$/;
