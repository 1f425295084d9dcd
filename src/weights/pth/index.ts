/** PyTorch .pth files as data: read (zip + legacy, allow-listed pickle) and write (torch zip, weights_only-safe). */
export { readPth, isZip, isLegacyPth, type PthFile } from './read';
export { writePth, stemOf, type PthWriteOptions } from './write';
export { PyDict, PyTuple, PySet, PyFloat, type PyValue, type PyKey, type PyDictClass, isRawTensor, dictEntries, pyGet, keyText, walkTensors, collectTensors, toPlain } from './py_values';
