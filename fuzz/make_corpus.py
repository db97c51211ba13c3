#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (fuzz/corpus/<target>/) from the wire test vectors:
the Appendix A frames of tests/wire/appendix_a_vectors.h, QVariant payloads of protocol §4.3-§4.5,
and definition blocks. Run it again after changing the vectors; commit the files it writes.

  fuzz/make_corpus.py [FRAMES_FILE]

FRAMES_FILE (optional) is the output of build/bin/doppel_wire_oracle_frames ("<hex> <text>" per
line): frames our encoder produces for every value kind, added to the frame corpus."""
import pathlib
import re
import struct
import sys

here = pathlib.Path(__file__).resolve().parent
root = here.parent


def le32(v): return struct.pack('<I', v)
def be32(v): return struct.pack('>I', v)
def qstr(s, be=False):
    e = s.encode('utf-16-be' if be else 'utf-16-le')
    return (be32 if be else le32)(len(e)) + e
def qba(b, be=False):
    if b is None:
        return b'\xff\xff\xff\xff'
    return (be32 if be else le32)(len(b)) + b
def user(name, be=False):
    return (be32 if be else le32)(65536) + b'\0' + qba(name.encode() + b'\0', be)
def v(tid, payload, be=False):
    return (be32 if be else le32)(tid) + b'\0' + payload


def appendix_frames():
    text = (root / 'tests/wire/appendix_a_vectors.h').read_text()
    frames = {}
    for m in re.finditer(r'\{"(\w+)",\s*"(?:[^"\\]|\\.)*",\s*((?:"[0-9a-f]*"\s*)+)\}', text):
        frames[m.group(1)] = bytes.fromhex(''.join(re.findall(r'"([0-9a-f]*)"', m.group(2))))
    return frames


def values():
    pod = user('MyPod') + v(2, le32(5)) + v(10, qstr('five'))
    pod_be = v(2, be32(5), True) + v(10, qstr('five', True), True)
    qsq_blob = qba(b'MyPod', True) + be32(1) + pod_be
    qas_blob = qba(b'int', True) + qba(b'MyPod', True) + be32(1) + be32(1) + pod_be
    index = le32(1) + le32(0) + le32(0)
    ivp = index + le32(1) + v(10, qstr('m0')) + b'\0' + le32(47) + le32(0) + le32(0xffffffff) * 2
    info = qstr('Lab') + qba(b'tcp://127.0.0.1:65410')
    seeds = {
        'invalid': le32(0) + b'\1',
        'bool': v(1, b'\1'),
        'int': v(2, struct.pack('<i', -2)),
        'qlonglong': v(4, struct.pack('<q', -3)),
        'ulong': v(35, struct.pack('<Q', 5)),
        'float': v(38, struct.pack('<d', 1.5)),
        'qchar': v(7, b'A\0'),
        'schar': v(40, b'\xc8'),
        'string': v(10, qstr('Hi')),
        'null_string': v(10, b'\xff\xff\xff\xff'),
        'bytearray': v(12, qba(b'ab')),
        'stringlist': v(11, le32(2) + qstr('a') + b'\xff\xff\xff\xff'),
        'bytearraylist': v(49, le32(1) + qba(b'x')),
        'variantlist': v(9, le32(2) + v(2, le32(1)) + v(10, qstr('s'))),
        'variantmap': v(8, le32(2) + qstr('a') + v(2, le32(1)) + qstr('b') + v(2, le32(2))),
        'varianthash': v(28, le32(1) + qstr('h') + v(51, b'')),
        'datetime_offset': v(16, struct.pack('<q', 0x25892b) + le32(0x38cefc) + b'\2' + le32(3600)),
        'datetime_zone': v(16, struct.pack('<q', 0x25892b) + le32(0x38cefc) + b'\3' + qstr('Europe/Berlin')),
        'url': v(17, qba(b'tcp://127.0.0.1:65213')),
        'locale': v(18, qstr('de_DE')),
        'rect': v(19, le32(1) + le32(2) + le32(3) + le32(5)),
        'linef': v(24, struct.pack('<4d', 0.5, 1, 2, 3)),
        'uuid': v(30, bytes.fromhex('0b77c867f1440a41ab9af9b5446f13ee')),
        'bitarray': v(13, le32(10) + b'\x05\x02'),
        'nullptr': le32(51) + b'\1',
        'mypod': pod,
        'qlist_int': user('QList<int>') + le32(2) + le32(1) + le32(2),
        'qmap_string_int': user('QMap<QString,int>') + le32(1) + qstr('a') + le32(1),
        'qhash_int_bytearray': user('QHash<int,QByteArray>') + le32(1) + le32(0) + qba(b'display'),
        'pair': user('std::pair<QString,int>') + qstr('k') + le32(7),
        'qsq_mypod': user('QRemoteObjectPackets::QSQ_') + qba(b'QList<MyPod>') + qba(b'MyPod') + qba(qsq_blob),
        'qas_int_mypod': user('QRemoteObjectPackets::QAS_') + qba(b'QMap<int,MyPod>') + qba(b'int')
                         + qba(b'MyPod') + qba(qas_blob),
        'qro': user('QRemoteObjectPackets::QRO_') + qstr('Class::Lab::child') + qstr('Child') + b'\0'
               + b'\xff\xff\xff\xff' + b'\0' + qba(bytes.fromhex('00000001000000020000000003')),
        'model_index_list': user('QList<ModelIndex>') + index,
        'data_entries': user('DataEntries') + le32(1) + ivp,
        'meta_and_data_entries': user('MetaAndDataEntries') + le32(1) + ivp + le32(1) + le32(0)
                                 + le32(1) + le32(100),
        'orientations': user('QList<Qt::Orientation>') + le32(2) + le32(1) + le32(2),
        'locations': user('QHash<QString,QRemoteObjectSourceLocationInfo>') + le32(1) + qstr('Lab') + info,
        'location_entry': user('std::pair<QString,QRemoteObjectSourceLocationInfo>') + qstr('Lab') + info,
        'gadget_with_enum': user('Po') + v(40, b'\1') + v(2, le32(3)),
        'be_int': v(2, be32(3), True),
        'be_mypod': user('MyPod', True) + pod_be,
    }
    return seeds


def definitions(frames):
    a4 = frames['A4_initdynamic_plain']
    plain = a4[0x14:0x15a]
    def enum(name, size, keys, be):
        w = qba(name, be) + b'\0\1' + (be32 if be else le32)(size) + (be32 if be else le32)(len(keys))
        for k, val in keys:
            w += qba(k, be) + (be32 if be else le32)(val)
        return w
    def gadget_def(be):
        u = be32 if be else le32
        return (qstr('Lab', be) + u(1) + enum(b'Level', 1, [(b'Low', 0), (b'High', 200)], be)
                + u(1) + qba(b'Qt::AlignmentFlag', be)
                + u(1) + qba(b'MyPod', be) + u(2) + qba(b'a', be) + qba(b'int', be) + qba(b'b', be)
                + qba(b'QString', be) + u(1) + enum(b'Kind', 0, [(b'X', 0)], be)
                + u(2) + qba(b'podChanged(MyPod)', be) + u(1) + qba(b'pod', be)
                + qba(b'listChanged(QtROSequentialContainer)', be) + u(1) + qba(b'list', be)
                + u(1) + qba(b'f(QMap<QString,int>,int)', be) + qba(b'QList<int>', be) + u(2)
                + qba(b'm', be) + qba(b'x', be)
                + u(2) + qba(b'pod\0', be) + qba(b'MyPod\0', be) + qba(b'podChanged(MyPod)', be)
                + qba(b'list\0', be) + qba(b'QtROSequentialContainer\0', be)
                + qba(b'listChanged(QList<MyPod>)', be))
    return {'plain_le': plain, 'gadgets_le': gadget_def(False), 'gadgets_be': gadget_def(True)}


def write(target, seeds):
    d = here / 'corpus' / target
    d.mkdir(parents=True, exist_ok=True)
    for old in d.glob('*.bin'):
        old.unlink()
    for name, data in seeds.items():
        (d / (name + '.bin')).write_bytes(data)
    return len(seeds)


def main():
    frames = appendix_frames()
    assert len(frames) == 16, sorted(frames)
    frame_seeds = dict(frames)
    frame_seeds['A_all_concatenated'] = b''.join(frames.values())
    if len(sys.argv) > 1:
        for i, line in enumerate(pathlib.Path(sys.argv[1]).read_text().splitlines()):
            frame_seeds['encoder_%02d' % i] = bytes.fromhex(line.split(' ', 1)[0])
    n = write('frame_fuzz', frame_seeds)
    n += write('value_fuzz', values())
    n += write('definition_fuzz', definitions(frames))
    print('wrote %d seed files' % n)


if __name__ == '__main__':
    main()
