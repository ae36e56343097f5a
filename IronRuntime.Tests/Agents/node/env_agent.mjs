// An ES-module agent without dependencies: prints what the runtime gave it, then exits.
console.log(`AGENT ${process.env.IRON_AGENT_ID} ${process.env.OPENAI_BASE_URL} ${process.env.ANTHROPIC_BASE_URL}`);
