/** The transformer's parameters and spec, apart from its TensorFlow.js implementation so that reading specs loads no tfjs. */
import { resolveParams, type ModelSpec } from '../models/spec';
import { MlError } from '../types';
import { boolParam, choiceParam, dropoutParam, intParam, learningRateParam, numberParam, positiveParam, randomStateParam } from './params';

export interface TransformerParams {
  readonly vocab_size: number;
  /** Tokens per text including [CLS]; longer texts are cut. */
  readonly max_length: number;
  readonly embed_dim: number;
  readonly num_heads: number;
  readonly ff_dim: number;
  readonly num_layers: number;
  readonly dropout: number;
  readonly pooling: 'mean' | 'cls';
  readonly learning_rate_init: number;
  readonly epochs: number;
  readonly batch_size: number;
  readonly lowercase: boolean;
  /** Folder of a transformer saved with saveTo: its vocabulary, embedding and encoder blocks are reused. */
  readonly pretrained: string | null;
  /** With `pretrained`, train only the head (true) or fine-tune everything (false). */
  readonly freeze_encoder: boolean;
  readonly random_state: number;
}

export const TRANSFORMER_SPEC: ModelSpec = {
  type: 'transformer',
  doc: 'Transformer encoder trained on the raw text column.',
  tasks: ['classification'],
  input: 'text',
  online: false,
  needsScaling: false,
  params: {
    vocab_size: { schema: { type: 'integer', minimum: 4 }, default: 5000, doc: 'Most words in the vocabulary (>= 4).' },
    max_length: { schema: { type: 'integer', minimum: 2 }, default: 64, doc: 'Tokens per text including [CLS]; longer texts are cut.' },
    embed_dim: { schema: { type: 'integer', minimum: 1 }, default: 32, doc: 'Width of the token embeddings; must be divisible by num_heads.' },
    num_heads: { schema: { type: 'integer', minimum: 1 }, default: 2, doc: 'Attention heads per encoder block.' },
    ff_dim: { schema: { type: 'integer', minimum: 1 }, default: 64, doc: 'Width of the feed-forward layer of each block.' },
    num_layers: { schema: { type: 'integer', minimum: 0 }, default: 1, doc: 'Encoder blocks.' },
    dropout: { ...dropoutParam, default: 0.1 },
    pooling: {
      schema: { type: 'string', enum: ['mean', 'cls'] },
      default: 'mean',
      doc: 'How token vectors become one text vector: mean over tokens, or the [CLS] token.',
    },
    learning_rate_init: { ...learningRateParam, grid: [0.001, 0.0005] },
    epochs: { schema: { type: 'integer', minimum: 1 }, default: 10, doc: 'Passes over the training texts.' },
    batch_size: { schema: { type: 'integer', minimum: 1 }, default: 32, doc: 'Texts per mini-batch.' },
    lowercase: { schema: { type: 'boolean' }, default: true, doc: 'Lower-case texts before tokenising.' },
    pretrained: {
      schema: { type: ['string', 'null'] },
      default: null,
      doc: 'Folder of a saved transformer whose vocabulary and encoder are reused; null trains from scratch.',
    },
    freeze_encoder: {
      schema: { type: 'boolean' },
      default: true,
      doc: 'With pretrained: train only the classification head (true) or fine-tune everything (false).',
    },
    random_state: randomStateParam("Not read: training takes the experiment's seed, as every model does. Accepted so a file that sets it still validates."),
  },
  starter: { epochs: 10, max_length: 64 },
};

// The architecture a pretrained encoder dictates; the user's values for these are replaced.
export const ARCHITECTURE = ['vocab_size', 'max_length', 'embed_dim', 'num_heads', 'ff_dim', 'num_layers', 'lowercase'] as const;

/** Checks names and values of user parameters and fills in the defaults. */
export function resolveTransformerParams(raw: Readonly<Record<string, unknown>>): TransformerParams {
  const m = 'transformer';
  const p = resolveParams(TRANSFORMER_SPEC, raw) as Record<keyof TransformerParams, unknown>;
  const embedDim = intParam(m, 'embed_dim', p.embed_dim, 1);
  const numHeads = intParam(m, 'num_heads', p.num_heads, 1);
  if (embedDim % numHeads !== 0) throw new MlError(`transformer: embed_dim (${embedDim}) must be divisible by num_heads (${numHeads})`);
  if (p.pretrained !== null && typeof p.pretrained !== 'string')
    throw new MlError(`transformer: pretrained must be a folder path, got ${JSON.stringify(p.pretrained)}`);
  return {
    vocab_size: intParam(m, 'vocab_size', p.vocab_size, 4),
    max_length: intParam(m, 'max_length', p.max_length, 2),
    embed_dim: embedDim,
    num_heads: numHeads,
    ff_dim: intParam(m, 'ff_dim', p.ff_dim, 1),
    num_layers: intParam(m, 'num_layers', p.num_layers, 0),
    dropout: numberParam(m, 'dropout', p.dropout, 0, 1),
    pooling: choiceParam(m, 'pooling', p.pooling, ['mean', 'cls'] as const),
    learning_rate_init: positiveParam(m, 'learning_rate_init', p.learning_rate_init),
    epochs: intParam(m, 'epochs', p.epochs, 1),
    batch_size: intParam(m, 'batch_size', p.batch_size, 1),
    lowercase: boolParam(m, 'lowercase', p.lowercase),
    pretrained: p.pretrained as string | null,
    freeze_encoder: boolParam(m, 'freeze_encoder', p.freeze_encoder),
    random_state: intParam(m, 'random_state', p.random_state, 0),
  };
}
