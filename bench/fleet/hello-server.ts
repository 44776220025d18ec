import express from 'express';
import { listen, type HttpServer } from '../../api/http-server.js';

/**
 * The baseline of the API bench: a plain Express app in the same process as the bench's API, answering a JSON
 * POST with a small JSON body (what POST /v1/zips does, minus auth, validation, Redis and the job).
 */
export async function startHelloServer(): Promise<HttpServer> {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json());
  app.post('/hello', (req, res) => {
    res.status(200).json({ hello: 'world', got: Object.keys(req.body as object).length });
  });
  return listen(app, 0, '127.0.0.1', {});
}
