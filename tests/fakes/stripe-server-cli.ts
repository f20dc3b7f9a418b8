import { startFakeStripe } from "./stripe-server";

// Runs the fake Stripe server in its own process (benchmarks keep its memory out of the product's).
const fake = await startFakeStripe();
console.log(`FAKE_STRIPE_URL=${fake.url}`);
process.on("SIGTERM", () => void fake.close().then(() => process.exit(0)));
