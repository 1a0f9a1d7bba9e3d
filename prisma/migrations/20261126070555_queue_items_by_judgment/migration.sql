-- CreateIndex
CREATE INDEX "queue_items_judgment_id_idx" ON "queue_items"("judgment_id");
