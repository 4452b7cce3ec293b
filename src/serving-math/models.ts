/**
 * Model configurations the course computes with, each number tied to where it was published.
 * Lessons read rows from here rather than repeating numbers in prose; a calculator (weights +
 * tokens × KV bytes, bandwidth floors, price per token) can add fields such as parameter counts
 * and weight dtypes, each with its own source, without changing the KV fields.
 */
import ownModelConfig from '../../public/models/kjv-gpt-2m/config.json';
import { type DtypeName, DTYPES } from './dtypes';
import type { KvShape } from './kv-cache-size';

export interface Source {
	/** What the reader will find behind the link, e.g. "config.json". */
	label: string;
	/** Who publishes it, for sources elsewhere, e.g. "Hugging Face". */
	host?: string;
	/** An absolute URL, or a path relative to the site's base when `onThisSite` is true. */
	href: string;
	onThisSite?: boolean;
}

export interface ModelConfig {
	id: string;
	name: string;
	/** What the model is to this course, when that is worth saying next to its name. */
	role?: string;
	layers: number;
	/** Query heads. */
	attentionHeads: number;
	/** Key/value heads; fewer than `attentionHeads` under grouped-query attention. */
	kvHeads: number;
	headDim: number;
	hiddenSize: number;
	/** Longest sequence the model was built for (positions). */
	maxContext: number;
	/** The format its keys and values are kept in by default. */
	kvDtype: DtypeName;
	/** Where the architecture numbers above come from. */
	source: Source;
	/** Why `kvDtype` is what it is, when that is not in `source`. */
	kvDtypeNote?: string;
	/** Total parameters, where a source publishes the exact count. */
	parameters?: { count: number; source: Source };
}

/** kjv-gpt-2m, the model every demo runs; its numbers come from the config.json it ships with. */
const ownModel: ModelConfig = {
	id: 'kjv-gpt-2m',
	name: 'kjv-gpt-2m',
	role: 'this course’s model',
	layers: ownModelConfig.n_layer,
	attentionHeads: ownModelConfig.n_head,
	// GPT-2 attention gives every query head its own keys and values.
	kvHeads: ownModelConfig.n_head,
	headDim: ownModelConfig.n_embd / ownModelConfig.n_head,
	hiddenSize: ownModelConfig.n_embd,
	maxContext: ownModelConfig.n_positions,
	kvDtype: 'fp32',
	source: { label: 'config.json', href: 'models/kjv-gpt-2m/config.json', onThisSite: true },
	kvDtypeNote: 'The in-browser runtime keeps keys and values as float32 tensors.',
	parameters: {
		count: 2_222_208,
		source: { label: 'its model card', href: 'models/kjv-gpt-2m/MODEL_CARD.md', onThisSite: true },
	},
};

const llama3Dtype = 'The config’s torch_dtype is bfloat16.';

const modelsById = {
	'kjv-gpt-2m': ownModel,
	'llama-3-8b': {
		id: 'llama-3-8b',
		name: 'Llama-3-8B',
		layers: 32,
		attentionHeads: 32,
		kvHeads: 8,
		headDim: 128,
		hiddenSize: 4096,
		maxContext: 8192,
		kvDtype: 'bf16',
		source: {
			label: 'config.json',
			host: 'Hugging Face',
			href: 'https://huggingface.co/meta-llama/Meta-Llama-3-8B/blob/main/config.json',
		},
		kvDtypeNote: llama3Dtype,
	},
	'llama-3-70b': {
		id: 'llama-3-70b',
		name: 'Llama-3-70B',
		layers: 80,
		attentionHeads: 64,
		kvHeads: 8,
		headDim: 128,
		hiddenSize: 8192,
		maxContext: 8192,
		kvDtype: 'bf16',
		source: {
			label: 'config.json',
			host: 'Hugging Face',
			href: 'https://huggingface.co/meta-llama/Meta-Llama-3-70B/blob/main/config.json',
		},
		kvDtypeNote: llama3Dtype,
	},
} as const satisfies Record<string, ModelConfig>;

export type ModelId = keyof typeof modelsById;

/** Every configuration, by id, in the order tables list them. */
export const MODELS: Readonly<Record<ModelId, ModelConfig>> = modelsById;

export function isModelId(id: string): id is ModelId {
	return Object.hasOwn(MODELS, id);
}

export function getModel(id: string): ModelConfig {
	if (!isModelId(id)) {
		throw new RangeError(`Unknown model "${id}". Known models: ${Object.keys(MODELS).join(', ')}.`);
	}
	return MODELS[id];
}

/** The inputs of the KV formula for a model, in its default KV dtype or another one. */
export function kvShapeOf(model: ModelConfig, dtype: DtypeName = model.kvDtype): KvShape {
	return {
		layers: model.layers,
		kvHeads: model.kvHeads,
		headDim: model.headDim,
		bytesPerValue: DTYPES[dtype].bytesPerValue,
	};
}
