// `npm run fakes`: starts the four fake providers with demo keys and prints where they listen.
import { startFakeProvider } from './index.mjs';

const photoroom = await startFakeProvider('photoroom');
photoroom.setBalance('demo-photoroom', 100);
const removebg = await startFakeProvider('removebg');
removebg.setBalance('demo-removebg', 50);
// The real withoutBG most likely refuses web pages; the demo allows them (see npm run relay for the real one).
const withoutbg = await startFakeProvider('withoutbg', { allowOrigin: true });
withoutbg.setBalance('demo-withoutbg', 50);
const leonardo = await startFakeProvider('leonardo');
const LEONARDO_DEMO_KEY = '00000000-0000-4000-8000-000000000001';
leonardo.setBalanceUsd(LEONARDO_DEMO_KEY, 5);

console.log(`PhotoRoom  ${photoroom.url}  (segment and image-api hosts; key demo-photoroom, 100 images; sandbox_demo-photoroom is free)`);
console.log(`remove.bg  ${removebg.url}  (key demo-removebg, 50 credits)`);
console.log(`withoutBG  ${withoutbg.url}  (key demo-withoutbg, 50 credits)`);
console.log(`Leonardo.Ai ${leonardo.url}  (key ${LEONARDO_DEMO_KEY}, $5 = 5000 API credits)`);
console.log('Ctrl+C stops them.');

const stop = async () => {
  await Promise.all([photoroom.close(), removebg.close(), withoutbg.close(), leonardo.close()]);
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
