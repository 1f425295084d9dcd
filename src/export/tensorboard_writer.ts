/**
 * TensorBoardWriter (Detectron2's TensorboardXWriter, without tensorboardX): an EventWriter that
 * appends every scalar of every iteration since its last write to a TensorBoard event file
 * (tfevents.ts), step = iteration (0-based), tag = the scalar's name (`total_loss`, `loss_ce_0`,
 * `lr`, `bbox/AP`, ...). The file_version event goes first, when the writer opens.
 *
 * The bytes go to a sink (the CLI appends them to O/events.out.tfevents.*); wall time comes
 * injected (seconds since the Unix epoch), so nothing here touches a clock or a file.
 */
import type { EventStorage } from '../engine/events';
import type { EventWriter } from '../engine/writers';
import { fileVersionEvent, scalarsEvent, tfRecord } from './tfevents';

export class TensorBoardWriter implements EventWriter {
  private last = -1;
  private started = false;

  constructor(
    private readonly sink: (bytes: Uint8Array) => void,
    private readonly wallTime: () => number,
  ) {}

  open(startIter: number): void {
    this.last = startIter - 1;
    if (!this.started) {
      this.sink(tfRecord(fileVersionEvent(this.wallTime())));
      this.started = true;
    }
  }

  write(storage: EventStorage): void {
    if (!this.started) this.open(storage.iter);
    const now = this.wallTime();
    for (const [iteration, row] of storage.scalarsByIteration(this.last, storage.iter)) {
      const values = Object.entries(row).map(([tag, value]) => ({ tag, value }));
      if (values.length) this.sink(tfRecord(scalarsEvent(now, iteration, values)));
      this.last = iteration;
    }
  }
}
