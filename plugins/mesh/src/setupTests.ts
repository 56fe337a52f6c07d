import '@testing-library/jest-dom';

// A rendered form waits on its data (findBy…, 1 s each) a few times over: on a 2-core CI
// machine running every suite at once that can pass Jest's 5 s default, which is a timing
// failure, not a broken component.
jest.setTimeout(20_000);
