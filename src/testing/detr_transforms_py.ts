/**
 * A reference for the data transforms: DETR's datasets/transforms.py functions (resize, hflip, crop,
 * ToTensor + Normalize with box_xyxy_to_cxcywh), restated with the same torch / torchvision / PIL
 * calls and run by Debian's /usr/bin/python3 (python3-torch, python3-torchvision, python3-pil).
 */
import { hasPython } from './paths';
import { runPython } from './pil';
import type { PixelTarget } from '../data/target';
import type { RgbImage } from '../data/types';

export function hasTorchvision(): boolean {
  return hasPython(['torch', 'torchvision', 'PIL']);
}

export type PyOp =
  | { op: 'resize'; size: number; max_size: number | null }
  | { op: 'hflip' }
  | { op: 'crop'; region: [number, number, number, number] } // (top, left, h, w)
  | { op: 'normalize' };

const SCRIPT = String.raw`
import sys, json, base64
import numpy as np, torch
import torchvision.transforms.functional as F
from PIL import Image

def get_size_with_aspect_ratio(image_size, size, max_size=None):
    w, h = image_size
    if max_size is not None:
        min_original_size = float(min((w, h)))
        max_original_size = float(max((w, h)))
        if max_original_size / min_original_size * size > max_size:
            size = int(round(max_size * min_original_size / max_original_size))
    if (w <= h and w == size) or (h <= w and h == size):
        return (h, w)
    if w < h:
        ow = size
        oh = int(size * h / w)
    else:
        oh = size
        ow = int(size * w / h)
    return (oh, ow)

def resize(image, target, size, max_size):
    size = get_size_with_aspect_ratio(image.size, size, max_size)
    rescaled = F.resize(image, size)
    rw, rh = (float(s) / float(o) for s, o in zip(rescaled.size, image.size))
    target = target.copy()
    target["boxes"] = target["boxes"] * torch.as_tensor([rw, rh, rw, rh])
    target["area"] = target["area"] * (rw * rh)
    target["size"] = torch.tensor(list(size))
    return rescaled, target

def hflip(image, target):
    w, h = image.size
    target = target.copy()
    b = target["boxes"]
    target["boxes"] = b[:, [2, 1, 0, 3]] * torch.as_tensor([-1, 1, -1, 1]) + torch.as_tensor([w, 0, w, 0])
    return F.hflip(image), target

def crop(image, target, region):
    i, j, h, w = region
    target = target.copy()
    target["size"] = torch.tensor([h, w])
    boxes = target["boxes"]
    max_size = torch.as_tensor([w, h], dtype=torch.float32)
    cb = torch.min((boxes - torch.as_tensor([j, i, j, i])).reshape(-1, 2, 2), max_size).clamp(min=0)
    target["area"] = (cb[:, 1, :] - cb[:, 0, :]).prod(dim=1)
    target["boxes"] = cb.reshape(-1, 4)
    keep = torch.all(cb[:, 1, :] > cb[:, 0, :], dim=1)
    for f in ["labels", "area", "iscrowd", "boxes"]:
        target[f] = target[f][keep]
    return F.crop(image, *region), target

def normalize(image, target):
    t = F.normalize(F.to_tensor(image), [0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
    h, w = t.shape[-2:]
    x0, y0, x1, y1 = target["boxes"].unbind(-1)
    b = torch.stack([(x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0), (y1 - y0)], dim=-1)
    target = target.copy()
    target["boxes"] = b / torch.tensor([w, h, w, h], dtype=torch.float32)
    return t, target

def run(req):
  img = Image.frombytes("RGB", (req["w"], req["h"]), base64.b64decode(req["pixels"]))
  t = {"boxes": torch.tensor(req["boxes"], dtype=torch.float32).reshape(-1, 4),
       "labels": torch.tensor(req["labels"], dtype=torch.int64),
       "area": torch.tensor(req["area"], dtype=torch.float32),
       "iscrowd": torch.tensor(req["iscrowd"], dtype=torch.int64),
       "size": torch.tensor([req["h"], req["w"]])}
  out = img
  for o in req["ops"]:
      if o["op"] == "resize": out, t = resize(out, t, o["size"], o["max_size"])
      elif o["op"] == "hflip": out, t = hflip(out, t)
      elif o["op"] == "crop": out, t = crop(out, t, tuple(o["region"]))
      elif o["op"] == "normalize": out, t = normalize(out, t)
  if isinstance(out, Image.Image):
      res = {"kind": "rgb", "w": out.width, "h": out.height, "data": base64.b64encode(out.tobytes()).decode()}
  else:
      hwc = out.permute(1, 2, 0).contiguous().numpy().astype("<f4")
      res = {"kind": "float", "w": out.shape[2], "h": out.shape[1], "data": base64.b64encode(hwc.tobytes()).decode()}
  res["boxes"] = [float(v) for v in t["boxes"].reshape(-1).tolist()]
  res["labels"] = t["labels"].tolist()
  res["area"] = [float(v) for v in t["area"].tolist()]
  res["size"] = t["size"].tolist()
  return res

json.dump([run(r) for r in json.loads(sys.stdin.read())], sys.stdout)
`;

export interface PyResult {
  width: number;
  height: number;
  /** RGB bytes (before normalize) or float32 [H, W, 3] (after). */
  rgb?: Uint8Array;
  pixels?: Float32Array;
  boxes: number[];
  labels: number[];
  area: number[];
  size: [number, number];
}

export interface PyJob {
  img: RgbImage;
  t: PixelTarget;
  ops: PyOp[];
}

/** Runs every job in one python process (importing torch takes about a second). */
export function runDetrTransforms(jobs: PyJob[]): PyResult[] {
  const reqs = jobs.map(({ img, t, ops }) => ({
    w: img.width,
    h: img.height,
    pixels: Buffer.from(img.data).toString('base64'),
    boxes: Array.from(t.boxes),
    labels: Array.from(t.labels),
    area: Array.from(t.area),
    iscrowd: Array.from(t.iscrowd),
    ops,
  }));
  const outs = JSON.parse(Buffer.from(runPython(SCRIPT, new TextEncoder().encode(JSON.stringify(reqs)))).toString('utf8'));
  return outs.map(toResult);
}

function toResult(out: { kind: string; w: number; h: number; data: string; boxes: number[]; labels: number[]; area: number[]; size: [number, number] }): PyResult {
  const raw = Buffer.from(out.data, 'base64');
  const res: PyResult = { width: out.w, height: out.h, boxes: out.boxes, labels: out.labels, area: out.area, size: out.size };
  if (out.kind === 'rgb') res.rgb = new Uint8Array(raw);
  else res.pixels = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  return res;
}
