// `npm run fakes`: starts the three fake providers with demo keys and prints where they listen.
import { startFakeProvider } from './index.mjs';

const photoroom = await startFakeProvider('photoroom');
photoroom.setBalance('demo-photoroom', 100);
const removebg = await startFakeProvider('removebg');
removebg.setBalance('demo-removebg', 50);
const withoutbg = await startFakeProvider('withoutbg');
withoutbg.setBalance('demo-withoutbg', 50);

console.log(`PhotoRoom  ${photoroom.url}  (segment and image-api hosts; key demo-photoroom, 100 images; sandbox_demo-photoroom is free)`);
console.log(`remove.bg  ${removebg.url}  (key demo-removebg, 50 credits)`);
console.log(`withoutBG  ${withoutbg.url}  (key demo-withoutbg, 50 credits)`);
console.log('Ctrl+C stops them.');

const stop = async () => {
  await Promise.all([photoroom.close(), removebg.close(), withoutbg.close()]);
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
