// The rules of the LLM call-site scan, as data: one table per SDK naming what it exports that
// makes a client or a model handle (constructors, factories, ready-made instances), and the
// methods of those handles that SEND a request to a model. Everything else an SDK exports (types,
// text splitters, stream adapters, hooks, `tool()`, `stepCountIs`, ...) is not a call. The table
// is the single source: the scanner reads it, and docs/conformance.md carries a copy of it in its
// orch:scan-rules block (checked by the drift guard).

/** What an SDK export (or a handle method) gives when used. */
export interface ExportRule {
  /** `new X()` makes a handle of this type. */
  readonly new?: string;
  /** `X()` makes a handle of this type, or 'send' when the call itself reaches the model. */
  readonly call?: string;
  /** The export already is a handle of this type (`import ollama from 'ollama'`). */
  readonly value?: string;
}

export interface HandleRule {
  /** Member paths whose call sends a request (`chat.completions.create`). */
  readonly sends: readonly string[];
  /** Member paths whose call returns another handle (`getGenerativeModel` -> model). */
  readonly returns?: Readonly<Record<string, string>>;
  /** Calling the handle itself returns a handle of this type (`openai('gpt-4o')` -> model). */
  readonly call?: string;
}

export interface SdkRules {
  /** The name findings carry in `sdk`. */
  readonly id: string;
  /** Packages: an exact name, or a scope/prefix ending in `/`. Subpaths (`openai/x`) belong too. */
  readonly packages: readonly string[];
  /** Exports by name (dotted for statics: `ChatPromptTemplate.fromMessages`). */
  readonly exports: Readonly<Record<string, ExportRule>>;
  /** Exports by pattern, for families of classes (`ChatOpenAI`, `ChatAnthropic`, ...). */
  readonly patterns?: ReadonlyArray<{ readonly match: RegExp; readonly rule: ExportRule; readonly in?: readonly string[] }>;
  readonly handles: Readonly<Record<string, HandleRule>>;
}

const OPENAI_COMPAT_SENDS = ['chat.completions.create', 'chat.completions.stream', 'chat.completions.parse', 'beta.chat.completions.parse', 'beta.chat.completions.stream', 'completions.create', 'embeddings.create'];

/** Runnable methods that run a LangChain model, chain or agent. */
const RUNNABLE_SENDS = ['invoke', 'stream', 'batch', 'streamEvents', 'streamLog', 'call', 'run', 'predict', 'predictMessages', 'generate', 'generatePrompt'];
/** Runnable methods that wrap a runnable into another one. */
const RUNNABLE_WRAPS = ['pipe', 'bind', 'bindTools', 'withStructuredOutput', 'withConfig', 'withRetry', 'withFallbacks', 'withListeners'];
const runnable = (type: string) => Object.fromEntries(RUNNABLE_WRAPS.map((m) => [m, m === 'pipe' ? 'runnable' : type]));

export const SDK_RULES: readonly SdkRules[] = Object.freeze(([
  {
    id: 'openai',
    packages: ['openai', '@azure/openai'],
    exports: { default: { new: 'client' }, OpenAI: { new: 'client' }, AzureOpenAI: { new: 'client' } },
    handles: {
      client: {
        sends: [
          ...OPENAI_COMPAT_SENDS,
          'responses.create', 'responses.stream', 'responses.parse',
          'images.generate', 'images.edit', 'images.createVariation',
          'audio.transcriptions.create', 'audio.translations.create', 'audio.speech.create',
          'moderations.create',
          'beta.threads.runs.create', 'beta.threads.runs.createAndPoll', 'beta.threads.runs.stream', 'beta.threads.createAndRun', 'beta.threads.createAndRunPoll',
        ],
      },
    },
  },
  {
    id: '@anthropic-ai/sdk',
    packages: ['@anthropic-ai/sdk', '@anthropic-ai/bedrock-sdk', '@anthropic-ai/vertex-sdk', '@anthropic-ai/claude-agent-sdk', '@anthropic-ai/claude-code'],
    exports: { default: { new: 'client' }, Anthropic: { new: 'client' }, AnthropicBedrock: { new: 'client' }, AnthropicVertex: { new: 'client' }, query: { call: 'send' } },
    handles: {
      client: { sends: ['messages.create', 'messages.stream', 'messages.countTokens', 'messages.batches.create', 'completions.create', 'beta.messages.create', 'beta.messages.stream', 'beta.messages.toolRunner'] },
    },
  },
  {
    id: '@google/generative-ai',
    packages: ['@google/generative-ai'],
    exports: { GoogleGenerativeAI: { new: 'client' } },
    handles: {
      client: { sends: [], returns: { getGenerativeModel: 'model', getGenerativeModelFromCachedContent: 'model' } },
      model: { sends: ['generateContent', 'generateContentStream', 'countTokens', 'embedContent', 'batchEmbedContents'], returns: { startChat: 'chat' } },
      chat: { sends: ['sendMessage', 'sendMessageStream'] },
    },
  },
  {
    id: '@google/genai',
    packages: ['@google/genai'],
    exports: { GoogleGenAI: { new: 'client' } },
    handles: {
      client: {
        sends: ['models.generateContent', 'models.generateContentStream', 'models.embedContent', 'models.countTokens', 'models.generateImages', 'models.generateVideos', 'live.connect'],
        returns: { 'chats.create': 'chat' },
      },
      chat: { sends: ['sendMessage', 'sendMessageStream'] },
    },
  },
  {
    id: '@mistralai/mistralai',
    packages: ['@mistralai/mistralai'],
    exports: { Mistral: { new: 'client' }, default: { new: 'client' }, MistralClient: { new: 'client' } },
    handles: {
      client: {
        sends: ['chat.complete', 'chat.stream', 'chat.parse', 'embeddings.create', 'fim.complete', 'fim.stream', 'agents.complete', 'agents.stream', 'ocr.process', 'classifiers.moderate', 'classifiers.moderateChat', 'chat', 'chatStream', 'embeddings'],
      },
    },
  },
  {
    id: 'groq-sdk',
    packages: ['groq-sdk'],
    exports: { default: { new: 'client' }, Groq: { new: 'client' } },
    handles: { client: { sends: [...OPENAI_COMPAT_SENDS, 'audio.transcriptions.create', 'audio.translations.create', 'audio.speech.create'] } },
  },
  {
    id: 'cohere-ai',
    packages: ['cohere-ai'],
    exports: { CohereClient: { new: 'client' }, CohereClientV2: { new: 'client' } },
    handles: { client: { sends: ['chat', 'chatStream', 'generate', 'generateStream', 'embed', 'rerank', 'classify', 'summarize'] } },
  },
  {
    id: 'ollama',
    packages: ['ollama'],
    exports: { default: { value: 'client' }, Ollama: { new: 'client' } },
    handles: { client: { sends: ['chat', 'generate', 'embed', 'embeddings'] } },
  },
  {
    id: 'replicate',
    packages: ['replicate'],
    exports: { default: { new: 'client' }, Replicate: { new: 'client' } },
    handles: { client: { sends: ['run', 'stream', 'predictions.create', 'deployments.predictions.create'] } },
  },
  {
    id: 'ai',
    packages: ['ai', '@ai-sdk/', '@openrouter/ai-sdk-provider'],
    exports: {
      generateText: { call: 'send' },
      streamText: { call: 'send' },
      generateObject: { call: 'send' },
      streamObject: { call: 'send' },
      embed: { call: 'send' },
      embedMany: { call: 'send' },
      generateImage: { call: 'send' },
      experimental_generateImage: { call: 'send' },
      generateSpeech: { call: 'send' },
      experimental_generateSpeech: { call: 'send' },
      transcribe: { call: 'send' },
      experimental_transcribe: { call: 'send' },
      rerank: { call: 'send' },
      streamUI: { call: 'send' },
      // A provider and a model made of others: they send nothing themselves.
      customProvider: { call: 'provider' },
      wrapLanguageModel: { call: 'model' },
    },
    patterns: [
      // Providers: `openai`, `anthropic`, `gateway`, ... ready-made; `createOpenAI(...)` and friends.
      { match: /^create[A-Z]\w*$/, rule: { call: 'provider' }, in: ['@ai-sdk/', '@openrouter/'] },
      { match: /^(openai|anthropic|google|vertex|mistral|groq|cohere|xai|deepseek|perplexity|togetherai|fireworks|bedrock|azure|openrouter|ollama|cerebras|deepinfra|gateway)$/, rule: { value: 'provider' }, in: ['@ai-sdk/', '@openrouter/'] },
    ],
    handles: {
      provider: { sends: [], call: 'model', returns: { chat: 'model', languageModel: 'model', textEmbeddingModel: 'model', embedding: 'model', responses: 'model', completion: 'model', image: 'model' } },
      model: { sends: ['doGenerate', 'doStream', 'doEmbed'] },
    },
  },
  {
    id: 'langchain',
    packages: ['langchain', '@langchain/'],
    exports: {
      initChatModel: { call: 'chatModel' },
      'ChatPromptTemplate.fromMessages': { call: 'prompt' },
      'ChatPromptTemplate.fromTemplate': { call: 'prompt' },
      'PromptTemplate.fromTemplate': { call: 'prompt' },
      'RunnableSequence.from': { call: 'runnable' },
      'LLMChain': { new: 'runnable' },
      'ConversationChain': { new: 'runnable' },
      'RetrievalQAChain.fromLLM': { call: 'runnable' },
      'ConversationalRetrievalQAChain.fromLLM': { call: 'runnable' },
      AgentExecutor: { new: 'runnable' },
      'AgentExecutor.fromAgentAndTools': { call: 'runnable' },
      createReactAgent: { call: 'runnable' },
      createAgent: { call: 'runnable' },
      createStuffDocumentsChain: { call: 'runnable' },
      createRetrievalChain: { call: 'runnable' },
      createHistoryAwareRetriever: { call: 'runnable' },
      loadQAStuffChain: { call: 'runnable' },
      loadSummarizationChain: { call: 'runnable' },
      initializeAgentExecutorWithOptions: { call: 'runnable' },
    },
    patterns: [
      { match: /^Chat(?!PromptTemplate|MessageHistory|Message|Generation|History)[A-Z]\w*$/, rule: { new: 'chatModel' } },
      { match: /^\w+Embeddings$/, rule: { new: 'embeddings' } },
      { match: /^(OpenAI|AzureOpenAI|Anthropic|Ollama|Cohere|HuggingFaceInference|Replicate|VertexAI|Bedrock|Fireworks|TogetherAI)$/, rule: { new: 'chatModel' } },
    ],
    handles: {
      chatModel: { sends: RUNNABLE_SENDS, returns: runnable('chatModel') },
      runnable: { sends: RUNNABLE_SENDS, returns: runnable('runnable') },
      prompt: { sends: [], returns: { pipe: 'runnable' } },
      embeddings: { sends: ['embedQuery', 'embedDocuments'] },
    },
  },
  {
    id: 'llamaindex',
    packages: ['llamaindex', '@llamaindex/'],
    exports: {
      'VectorStoreIndex.fromDocuments': { call: 'index' },
      'VectorStoreIndex.init': { call: 'index' },
      'VectorStoreIndex.fromVectorStore': { call: 'index' },
    },
    patterns: [
      { match: /^(OpenAI|Anthropic|Gemini|Groq|Ollama|MistralAI|DeepSeekLLM|Replicate|OpenAIAgent|ReActAgent|AnthropicAgent)$/, rule: { new: 'llm' } },
      { match: /^\w+Embedding$/, rule: { new: 'embedding' } },
      { match: /^(agent|openai|anthropic|gemini|ollama)$/, rule: { call: 'llm' } },
    ],
    handles: {
      llm: { sends: ['chat', 'complete', 'run'] },
      embedding: { sends: ['getTextEmbedding', 'getTextEmbeddings', 'getQueryEmbedding'] },
      index: { sends: [], returns: { asQueryEngine: 'engine', asChatEngine: 'engine' } },
      engine: { sends: ['query', 'chat'] },
    },
  },
] satisfies SdkRules[]) as SdkRules[]);

/** The package a bare specifier names: `openai/resources` -> `openai`, `@a/b/c` -> `@a/b`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}

const bySpecifier = new Map<string, SdkRules | null>();

/** The rules of the SDK a module specifier belongs to, or null. */
export function rulesFor(specifier: string): SdkRules | null {
  let hit = bySpecifier.get(specifier);
  if (hit !== undefined) return hit;
  const pkg = packageOf(specifier);
  hit = SDK_RULES.find((r) => r.packages.some((p) => (p.endsWith('/') ? pkg.startsWith(p) : pkg === p))) ?? null;
  bySpecifier.set(specifier, hit);
  return hit;
}

/** The rule of an export path (`['ChatOpenAI']`, `['ChatPromptTemplate', 'fromMessages']`). */
export function exportRule(rules: SdkRules, path: readonly string[], module: string): ExportRule | null {
  const key = path.join('.');
  const named = rules.exports[key];
  if (named) return named;
  if (path.length !== 1) return null;
  return rules.patterns?.find((p) => p.match.test(key) && (!p.in || p.in.some((m) => module.startsWith(m))))?.rule ?? null;
}

/** The rules table as plain rows, for the docs block (orch:scan-rules) and `orch scan --rules`. */
export function rulesTable(): Array<{ sdk: string; packages: string[]; makes: string[]; sends: string[] }> {
  return SDK_RULES.map((r) => {
    const makes = [
      ...Object.entries(r.exports).filter(([, e]) => e.call !== 'send').map(([name, e]) => `${e.new ? `new ${name}()` : e.call ? `${name}()` : name} -> ${e.new ?? e.call ?? e.value}`),
      ...(r.patterns ?? []).map((p) => `${p.rule.new ? 'new ' : ''}/${p.match.source}/${p.rule.call ? '()' : ''} -> ${p.rule.new ?? p.rule.call ?? p.rule.value}${p.in ? ` (in ${p.in.join(', ')})` : ''}`),
      ...Object.entries(r.handles).flatMap(([type, h]) => [
        ...(h.call ? [`${type}() -> ${h.call}`] : []),
        ...Object.entries(h.returns ?? {}).map(([path, to]) => `${type}.${path}() -> ${to}`),
      ]),
    ];
    const sends = [
      ...Object.entries(r.exports).filter(([, e]) => e.call === 'send').map(([name]) => `${name}()`),
      ...Object.entries(r.handles).flatMap(([type, h]) => h.sends.map((s) => `${type}.${s}()`)),
    ];
    return { sdk: r.id, packages: [...r.packages], makes, sends };
  });
}
