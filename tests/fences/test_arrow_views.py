"""Guards of the window read (warehouse/statistics.py ``_numpy``, ``_balls``, ``load_window``): the
Arrow layout that ``np.frombuffer`` reads, and the Arrow types DuckDB hands over."""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pyarrow as pa

from warehouse.statistics import _balls, _numpy


def test_a_primitive_arrays_data_is_its_second_buffer_with_the_offset_in_elements() -> None:
    """``buffers()`` of a primitive array is [validity bitmap, data]; a slice shares the parent's data
    buffer and counts its ``offset`` in elements: the view starts ``offset * width`` bytes in."""
    whole = pa.array(np.arange(10, dtype=np.int32))
    part = whole.slice(3, 4)
    validity, data = part.buffers()
    assert validity is None  # no nulls: no bitmap
    assert data.address == whole.buffers()[1].address
    assert (part.offset, part.type.bit_width) == (3, 32)
    view = _numpy(part, np.int32)
    assert view.tolist() == [3, 4, 5, 6]
    assert view.ctypes.data == data.address + 3 * 4  # a view of Arrow's memory, not a copy
    assert not view.flags.owndata


def test_a_date32_is_int32_days_since_the_epoch() -> None:
    days = pa.array([date(1970, 1, 2), date(2020, 1, 3)], type=pa.date32())
    assert days.type.bit_width == 32
    assert _numpy(days, np.int32).tolist() == [1, 18264]


def test_a_fixed_size_lists_values_ignore_its_offset() -> None:
    """``FixedSizeListArray.values`` is the whole child array, whatever the slice (``flatten`` would
    apply the offset, but loads pyarrow.compute): ``_balls`` applies ``offset * width`` itself."""
    lists = pa.array([[i, i + 1] for i in range(6)], type=pa.list_(pa.uint8(), 2))
    part = lists.slice(2, 3)
    assert len(part.values) == 12  # all 6 lists' values, not the 3 of the slice
    assert part.offset == 2
    assert _balls(pa.table({"numbers": part}), "numbers", 2).tolist() == [[2, 3], [3, 4], [4, 5]]


def test_duckdb_hands_arrays_of_utinyint_and_dates_over_as_the_arrow_types_read() -> None:
    """The narrow window query casts each draw's balls to ``UTINYINT[n]`` and keeps the date: DuckDB
    exports them as ``fixed_size_list<uint8>[n]`` and ``date32``, without nulls."""
    con = duckdb.connect()
    table = con.sql(
        "SELECT DATE '2020-01-03' + i::INTEGER AS draw_date, [i, i + 1, 50]::UTINYINT[3] AS numbers"
        " FROM range(5) t(i)"
    ).to_arrow_table()
    con.close()
    assert table.schema.field("draw_date").type == pa.date32()
    assert table.schema.field("numbers").type == pa.list_(pa.uint8(), 3)
    lists = table.column("numbers").combine_chunks()
    assert isinstance(lists, pa.FixedSizeListArray)
    assert _balls(table, "numbers", 3)[:, 0].tolist() == [0, 1, 2, 3, 4]
    assert _numpy(table.column("draw_date").combine_chunks(), np.int32)[0] == 18264
