import { UploadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useSignedIn } from '../auth';
import { useWords } from '../i18n';

interface Problem {
  line: number;
  column: string;
  zh: string;
  en: string;
}
interface Outcome {
  households: number;
  imported: number;
  unchanged: number;
  events: number;
  problems: Problem[];
}

/** The county's roll taken over from a file (CSV or Excel): all or nothing, every problem listed. */
export function ImportPage() {
  const session = useSignedIn();
  const words = useWords();
  const [file, setFile] = useState<File | undefined>();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  const zh = words.language === 'zh';

  const submit = async () => {
    if (!file) return;
    setBusy(true);
    setOutcome(undefined);
    setFailure(undefined);
    try {
      const response = await fetch(`/import?name=${encodeURIComponent(file.name)}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${session.token}`, 'Content-Type': 'application/octet-stream' },
        body: file,
      });
      const body = (await response.json()) as Partial<Outcome> & { zh?: string; en?: string };
      if (response.status === 200 || response.status === 422) setOutcome(body as Outcome);
      else setFailure((zh ? body.zh : body.en) ?? `HTTP ${response.status}`);
    } catch (error) {
      setFailure(String(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title={zh ? '名册导入' : 'Import a roll'} data-testid="import">
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Paragraph type="secondary">
          {zh
            ? 'CSV 或 Excel（.xlsx）文件，每人一行，同户各行的户编号相同。文件先整体检查：有任何问题则全部不导入，并列出每一行、每一列的问题；同一文件重复导入不会重复写入。'
            : 'A CSV or Excel (.xlsx) file, one row per person, a household’s rows sharing its household number. The whole file is checked first: with any problem nothing is imported and every row and column at fault is listed; importing the same file again writes nothing new.'}
        </Typography.Paragraph>
        <Space>
          <input
            type="file"
            accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            aria-label={zh ? '选择名册文件' : 'Choose a roll file'}
            data-testid="import-file"
            onChange={(e) => setFile(e.target.files?.[0])}
          />
          <Button
            type="primary"
            icon={<UploadOutlined />}
            disabled={!file}
            loading={busy}
            onClick={submit}
            data-testid="import-submit"
          >
            {zh ? '检查并导入' : 'Check and import'}
          </Button>
        </Space>
        {failure && <Alert type="error" showIcon title={failure} data-testid="import-failure" />}
        {outcome && outcome.problems.length === 0 && (
          <Alert
            type="success"
            showIcon
            data-testid="import-done"
            title={
              zh
                ? `已导入 ${outcome.imported} 户（${outcome.events} 条记录）；${outcome.unchanged} 户此前已导入，未重复写入`
                : `Imported ${outcome.imported} households (${outcome.events} events); ${outcome.unchanged} imported before, unchanged`
            }
          />
        )}
        {outcome && outcome.problems.length > 0 && (
          <>
            <Alert
              type="error"
              showIcon
              data-testid="import-refused"
              title={
                zh
                  ? `文件有 ${outcome.problems.length} 处问题，未导入任何数据`
                  : `${outcome.problems.length} problem(s): nothing was imported`
              }
            />
            <Table
              size="small"
              rowKey={(p) => `${p.line}-${p.column}-${p.en}`}
              dataSource={outcome.problems}
              pagination={{ pageSize: 50 }}
              data-testid="import-problems"
              columns={[
                { title: zh ? '行' : 'Row', dataIndex: 'line', width: 80 },
                { title: zh ? '列' : 'Column', dataIndex: 'column', width: 180 },
                { title: zh ? '问题' : 'Problem', render: (_: unknown, p: Problem) => (zh ? p.zh : p.en) },
              ]}
            />
          </>
        )}
      </Space>
    </Card>
  );
}
