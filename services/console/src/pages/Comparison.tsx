import { UploadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { useGraphqlQuery, useSignedIn } from '../auth';
import { useAreaName } from '../config';
import { ErrorView } from '../ErrorView';
import { ComparisonReviewListDocument, type ComparisonReviewListQuery } from '../generated';
import { useWords } from '../i18n';
import { StatusTag } from '../StatusTag';

interface Problem {
  line: number;
  column: string;
  zh: string;
  en: string;
}
interface Outcome {
  rows: number;
  recorded: number;
  unchanged: number;
  disqualifying: number;
  unmatched: number[];
  outside: number[];
  problems: Problem[];
}
type Item = ComparisonReviewListQuery['comparisonReviewList'][number];

/** 数据比对: an agency's file matched to households by ID number, and the county's review list it leads to. */
export function ComparisonPage() {
  const session = useSignedIn();
  const words = useWords();
  const areaName = useAreaName();
  const area = session.claims.area ?? '';
  const list = useGraphqlQuery(ComparisonReviewListDocument, { areaCode: area }, { enabled: /^\d{12}$/.test(area) });
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
      const response = await fetch(`/comparison?name=${encodeURIComponent(file.name)}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${session.token}`, 'Content-Type': 'application/octet-stream' },
        body: file,
      });
      const body = (await response.json()) as Partial<Outcome> & { zh?: string; en?: string };
      if (response.status === 200 || response.status === 422) {
        setOutcome(body as Outcome);
        list.refetch();
      } else setFailure((zh ? body.zh : body.en) ?? `HTTP ${response.status}`);
    } catch (error) {
      setFailure(String(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Card title={words.t('comparison')} data-testid="comparison">
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Typography.Paragraph type="secondary">{words.t('comparisonHelp')}</Typography.Paragraph>
          <Space>
            <input
              type="file"
              accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              data-testid="comparison-file"
              onChange={(e) => setFile(e.target.files?.[0])}
            />
            <Button
              type="primary"
              icon={<UploadOutlined />}
              disabled={!file}
              loading={busy}
              onClick={submit}
              data-testid="comparison-submit"
            >
              {words.t('comparisonRun')}
            </Button>
          </Space>
          {failure && <Alert type="error" showIcon title={failure} />}
          {outcome && outcome.problems.length === 0 && (
            <Alert
              type="success"
              showIcon
              data-testid="comparison-done"
              title={words.t('comparisonDone', {
                recorded: outcome.recorded,
                unchanged: outcome.unchanged,
                disqualifying: outcome.disqualifying,
              })}
              description={
                outcome.unmatched.length + outcome.outside.length > 0
                  ? words.t('comparisonUnmatched', {
                      unmatched: outcome.unmatched.join(', ') || '—',
                      outside: outcome.outside.join(', ') || '—',
                    })
                  : undefined
              }
            />
          )}
          {outcome && outcome.problems.length > 0 && (
            <Table
              size="small"
              rowKey={(p) => `${p.line}-${p.column}-${p.en}`}
              dataSource={outcome.problems}
              pagination={{ pageSize: 50 }}
              data-testid="comparison-problems"
              columns={[
                { title: zh ? '行' : 'Row', dataIndex: 'line', width: 80 },
                { title: zh ? '列' : 'Column', dataIndex: 'column', width: 180 },
                { title: zh ? '问题' : 'Problem', render: (_: unknown, p: Problem) => (zh ? p.zh : p.en) },
              ]}
            />
          )}
        </Space>
      </Card>
      <Card title={words.t('reviewList')}>
        {list.error ? (
          <ErrorView error={list.error} retry={() => list.refetch()} />
        ) : (
          <Table<Item>
            rowKey={(i) => `${i.householdId}-${i.recordedAt}`}
            size="small"
            loading={list.isLoading}
            data-testid="review-list"
            dataSource={list.data?.comparisonReviewList ?? []}
            columns={[
              {
                title: words.t('cardNumber'),
                render: (_, i) => (
                  <Link to={`/households/${i.householdId}`}>{i.cardNumber ?? i.householdId.slice(0, 8)}</Link>
                ),
              },
              { title: words.t('status'), render: (_, i) => <StatusTag status={i.status} /> },
              { title: words.t('village'), render: (_, i) => areaName(i.villageCode) },
              { title: words.t('agency'), render: (_, i) => words.label('ComparisonAgency', i.agency) },
              { title: words.t('finding'), dataIndex: 'detail' },
              { title: words.t('file'), dataIndex: 'fileName' },
              { title: words.t('recordedAt'), render: (_, i) => words.dateTime(i.recordedAt) },
            ]}
          />
        )}
      </Card>
    </Space>
  );
}
