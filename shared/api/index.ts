export * from './contract';
export * from './errors';
export * from './frames';
export * from './bridge';
export * from './dispatcher';
