export * from './contract';
export * from './messaging';
export * from './errors';
export * from './frames';
export * from './bridge';
export * from './dispatcher';
