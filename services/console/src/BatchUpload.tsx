import { UploadOutlined } from '@ant-design/icons';
import { Alert, Button, Space, Table, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import { useSignedIn } from './auth';
import { useWords } from './i18n';

export interface BatchProblem {
  line: number;
  column: string;
  zh: string;
  en: string;
}

/** What every batch endpoint answers (200 written, 422 refused whole): rows, problems, and its own counts. */
export interface BatchOutcome {
  rows: number;
  recorded: number;
  unchanged: number;
  unmatched: number[];
  outside: number[];
  problems: BatchProblem[];
}

/**
 * A file (CSV or .xlsx) sent whole to a batch endpoint (`/comparison`, `/alert-batch`): the
 * answer is what was written, or every problem by row and column in the current language
 * (nothing written). `testId` prefixes the file input, the button, the success note and the
 * problem table.
 */
export function BatchUpload<O extends BatchOutcome>({
  endpoint,
  help,
  submitLabel,
  testId,
  done,
  onDone,
}: {
  endpoint: string;
  help: string;
  submitLabel: string;
  testId: string;
  /** The success note for an outcome with no problems. */
  done: (outcome: O) => { title: string; description?: ReactNode };
  onDone?: () => void;
}) {
  const session = useSignedIn();
  const words = useWords();
  const [file, setFile] = useState<File | undefined>();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<O | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  const zh = words.language === 'zh';
  const submit = async () => {
    if (!file) return;
    setBusy(true);
    setOutcome(undefined);
    setFailure(undefined);
    try {
      const response = await fetch(`${endpoint}?name=${encodeURIComponent(file.name)}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${session.token}`, 'Content-Type': 'application/octet-stream' },
        body: file,
      });
      const body = (await response.json()) as Partial<O> & { zh?: string; en?: string };
      if (response.status === 200 || response.status === 422) {
        setOutcome(body as O);
        onDone?.();
      } else setFailure((zh ? body.zh : body.en) ?? `HTTP ${response.status}`);
    } catch (error) {
      setFailure(String(error));
    } finally {
      setBusy(false);
    }
  };
  const note = outcome && outcome.problems.length === 0 ? done(outcome) : undefined;
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Typography.Paragraph type="secondary">{help}</Typography.Paragraph>
      <Space>
        <input
          type="file"
          accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          aria-label={submitLabel}
          data-testid={`${testId}-file`}
          onChange={(e) => setFile(e.target.files?.[0])}
        />
        <Button
          type="primary"
          icon={<UploadOutlined />}
          disabled={!file}
          loading={busy}
          onClick={submit}
          data-testid={`${testId}-submit`}
        >
          {submitLabel}
        </Button>
      </Space>
      {failure && <Alert type="error" showIcon title={failure} />}
      {note && (
        <Alert
          type="success"
          showIcon
          data-testid={`${testId}-done`}
          title={note.title}
          description={note.description}
        />
      )}
      {outcome && outcome.problems.length > 0 && (
        <Table
          size="small"
          rowKey={(p) => `${p.line}-${p.column}-${p.en}`}
          dataSource={outcome.problems}
          pagination={{ pageSize: 50 }}
          data-testid={`${testId}-problems`}
          columns={[
            { title: zh ? '行' : 'Row', dataIndex: 'line', width: 80 },
            { title: zh ? '列' : 'Column', dataIndex: 'column', width: 180 },
            { title: zh ? '问题' : 'Problem', render: (_: unknown, p: BatchProblem) => (zh ? p.zh : p.en) },
          ]}
        />
      )}
    </Space>
  );
}
