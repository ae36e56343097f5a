// A Node agent built on the official `openai` package. It knows nothing about IronRuntime: the SDK reads
// OPENAI_BASE_URL and OPENAI_API_KEY from the environment, which the runtime points at its proxy.
// Prints one line per step: CHAT {json}, STREAM {json}; on an API error: ERROR <status> <type>, exit code 1.
const { OpenAI } = require('openai');

const messages = [{ role: 'user', content: 'Say hello in a few words.' }];

async function main() {
  const client = new OpenAI({ maxRetries: 0 });
  const model = process.argv[2] || 'gpt-4o-mini';

  const chat = await client.chat.completions.create({ model, max_tokens: 50, messages });
  console.log('CHAT ' + JSON.stringify({ text: chat.choices[0].message.content, usage: chat.usage }));

  const stream = await client.chat.completions.create({ model, max_tokens: 50, messages, stream: true });
  let text = '';
  let chunks = 0;
  for await (const chunk of stream) {
    chunks++;
    text += chunk.choices[0]?.delta?.content ?? '';
  }
  console.log('STREAM ' + JSON.stringify({ text, chunks }));
}

main().catch((err) => {
  console.log(`ERROR ${err.status ?? 'none'} ${err.type ?? err.error?.type ?? err.message}`);
  process.exit(1);
});
